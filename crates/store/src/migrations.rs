//! The migrations of both engines, embedded at build time (`build.rs`) and
//! read by sqlx's own rules for a migrations folder: `<VERSION>_<DESCRIPTION>.sql`,
//! `.up.sql`/`.down.sql` for reversible ones, `-- no-transaction` to opt
//! out of a transaction. The versions, descriptions and checksums are the
//! ones `sqlx::migrate!` recorded, so databases it migrated stay valid.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use sqlx::error::BoxDynError;
use sqlx::migrate::{MigrateError, Migration, MigrationSource, MigrationType, Migrator};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

/// One engine's migration files, by name and text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Embedded(&'static [(&'static str, &'static str)]);

pub(crate) const SQLITE: Embedded = Embedded(embedded::SQLITE);
pub(crate) const POSTGRES: Embedded = Embedded(embedded::POSTGRES);

impl Embedded {
    pub(crate) async fn migrator(self) -> Result<Migrator, MigrateError> {
        Migrator::new(self).await
    }

    fn migrations(self) -> Result<Vec<Migration>, BoxDynError> {
        let mut migrations = Vec::with_capacity(self.0.len());
        for &(file_name, sql) in self.0 {
            // As sqlx reads a folder: other files are not migrations.
            let Some((version, rest)) = file_name.split_once('_').filter(|(_, rest)| rest.ends_with(".sql")) else {
                continue;
            };
            let version: i64 = version
                .parse()
                .map_err(|_| format!("migration {file_name:?} does not start with an integer version"))?;
            let migration_type = MigrationType::from_filename(rest);
            let description = rest.trim_end_matches(migration_type.suffix()).replace('_', " ");
            let no_tx = sql.starts_with("-- no-transaction");
            migrations.push(Migration::new(
                version,
                Cow::Owned(description),
                migration_type,
                Cow::Borrowed(sql),
                no_tx,
            ));
        }
        migrations.sort_by_key(|migration| migration.version);
        Ok(migrations)
    }
}

impl MigrationSource<'static> for Embedded {
    fn resolve(self) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 'static>> {
        Box::pin(async move { self.migrations() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What sqlx itself reads from the folder: the same list, field by field.
    async fn assert_same_as_sqlx_reads(embedded: Embedded, folder: &str) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations").join(folder);
        let from_folder = Migrator::new(path).await.unwrap();
        let ours = embedded.migrator().await.unwrap();
        let fields = |migrator: &Migrator| -> Vec<(i64, String, Vec<u8>, bool, bool)> {
            migrator
                .iter()
                .map(|m| {
                    let up = m.migration_type.is_up_migration();
                    (m.version, m.description.to_string(), m.checksum.to_vec(), m.no_tx, up)
                })
                .collect()
        };
        assert!(!fields(&ours).is_empty());
        assert_eq!(fields(&ours), fields(&from_folder));
    }

    #[tokio::test]
    async fn sqlite_migrations_are_the_folders_as_sqlx_reads_it() {
        assert_same_as_sqlx_reads(SQLITE, "sqlite").await;
    }

    #[tokio::test]
    async fn postgres_migrations_are_the_folders_as_sqlx_reads_it() {
        assert_same_as_sqlx_reads(POSTGRES, "postgres").await;
    }
}

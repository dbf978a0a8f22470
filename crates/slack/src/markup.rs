//! Reading Slack's markup in what people type. Text that reaches the plan
//! file should read as the person wrote it, not as Slack encoded it.

/// `<@U123|dana>` → `@dana`, `<#C1|ops>` → `#ops`, `<https://x|label>` →
/// `https://x`, and `&amp;`, `&lt;`, `&gt;` back to `&`, `<`, `>`.
pub fn plain_text(slack: &str) -> String {
    let mut out = String::with_capacity(slack.len());
    let mut rest = slack;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        out.push_str(&readable(&rest[open + 1..open + close]));
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

fn readable(inner: &str) -> String {
    let (target, label) = inner.split_once('|').map_or((inner, None), |(t, l)| (t, Some(l)));
    match (target.chars().next(), label) {
        (Some('@'), Some(name)) => format!("@{name}"),
        (Some('#'), Some(name)) => format!("#{name}"),
        (Some('!'), _) => format!("@{}", target.trim_start_matches('!').split('^').next().unwrap_or_default()),
        _ => target.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_markup_reads_as_typed() {
        assert_eq!(
            plain_text("ask <@U123|dana> in <#C9|ops> see <https://ci.example/1|run>"),
            "ask @dana in #ops see https://ci.example/1"
        );
        assert_eq!(plain_text("a &lt; b &amp;&amp; c &gt; d"), "a < b && c > d");
        assert_eq!(plain_text("<!here> deploy"), "@here deploy");
        assert_eq!(plain_text("unclosed < bracket"), "unclosed < bracket");
    }
}

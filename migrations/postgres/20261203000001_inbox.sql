-- The inbox: every Slack delivery whose work runs after it was
-- acknowledged (Events API events, clicks that change the plan), kept in
-- the same statement that recognises a redelivery, so that a crash after
-- the acknowledgement finishes the work at the next start instead of
-- losing it.
CREATE TABLE inbox (
    id BIGSERIAL PRIMARY KEY,
    delivery_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    received_at_ms BIGINT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at_ms BIGINT NOT NULL,
    lease_until_ms BIGINT,
    last_error TEXT,
    done_at_ms BIGINT
);

CREATE INDEX inbox_by_state ON inbox (state, next_attempt_at_ms);

"""Every e-mail of the platform: one outbox, rendering, SMTP, retries (issue 13)."""

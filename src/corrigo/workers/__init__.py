"""Background work: the notifier that turns outbox events into e-mails and messages.

Workers run inside `corrigo serve` by default and as their own processes with
`corrigo worker`; see :func:`corrigo.workers.runner.run_workers`.
"""

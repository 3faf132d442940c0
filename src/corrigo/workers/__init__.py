"""Background work: the notifier that turns outbox events into e-mails and messages,
and the periodic jobs (:mod:`corrigo.workers.jobs`) that one scheduler runs.

Workers run inside `corrigo serve` by default and as their own processes with
`corrigo worker`; see :func:`corrigo.workers.runner.run_workers`. They only
work: every query they make is in :mod:`corrigo.store`.
"""

"""Every SMS the hotline sends, one function per message, each owning its template, priority
and dedupe key: wording and privacy rules are reviewed here and nowhere else.

`neighbours`, `volunteers` and `dispatchers` hold what each is told; `replies` the answers to
an inbound text; `outbox` is the one door to `hotline.outbound.queue_sms`.
"""

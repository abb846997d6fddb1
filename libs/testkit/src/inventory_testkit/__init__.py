"""The inventory platform's test kit: what the e2e suite, `make demo` and the benchmarks share.

- `platform`: the services' addresses, HTTP clients, polling with a deadline.
- `kafka`: a watcher of the platform's topics and raw publishing.
- `standins`: a local ERP/chat webhook receiver and an SMTP server.
- `sentinel`: proving that nothing more happened, by waiting for a later event on the same key.
- `load`, `load_figures`, `generation`: the open-loop order generator and its figures.
- `stack`: the local stack's processes, readiness and consumer lag.
"""

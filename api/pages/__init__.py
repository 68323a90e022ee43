"""The pages: server-rendered HTML for reviewers, caseworkers and tracing officers, served
by the same app as the JSON API (`nrm serve`), calling the same service layer.

`api.pages.mount.mount(app)` adds the page routes, their static files and the offline
API documentation. The package itself imports nothing, so the command line reads the
pages' words (`api.pages.labels`) without loading the web framework.
"""

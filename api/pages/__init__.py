"""The pages: server-rendered HTML for reviewers, caseworkers and tracing officers, served
by the same app as the JSON API (`nrm serve`), calling the same service layer.

`api.pages.mount.mount(app)` adds the page routes, their static files and the offline
API documentation. The package itself imports nothing. The words the pages show for the
service's codes (fields, statuses, roles, relations) are `i18n.labels`, which the command
line and the use cases' messages read too.
"""

"""The HTTP edge: the Starlette app, its middleware and caches, the GraphQL view and socket, plain
endpoints and the server commands. The only part of `cms/` that imports `schema/`."""

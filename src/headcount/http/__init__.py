"""The HTTP transport: routers by resource, the envelope, and the one place errors are mapped."""

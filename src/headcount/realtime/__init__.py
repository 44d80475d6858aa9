"""Live transports: the WebSocket at /ws, the hub that fans out, the bus between processes."""

"""Fan-out below every transport: the hub, broadcasts with one encoding per transport, the bus."""

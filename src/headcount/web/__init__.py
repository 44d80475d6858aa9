"""The web app: static pages served by the same server (no build step, no Node at run time)."""

"""Framework-free rules. Transports call these and only translate their results and errors."""

"""Pure ingestion parsers (no Django): media sniffing, email and mbox, PDF text, zip walking."""

"""The reader widget: its JavaScript and CSS sources, texts, and the bundle the server serves."""

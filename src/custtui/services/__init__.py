"""The domain: plain functions over a Session. Nothing in here imports Textual."""

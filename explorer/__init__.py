"""The Streamlit explorer's pages and the cached data they share (app.py is the entry point)."""

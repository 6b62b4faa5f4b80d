"""The Streamlit glue shared by dashboard.py and the page scripts: who is asking (auth), the data set and
its caches (shared), the database (store), the board report's caches and chart browser (board_edge).

It lives outside ``pages/`` because Streamlit scans that folder for page scripts."""

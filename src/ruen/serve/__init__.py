"""``ruen serve``: one loaded model behind a JSON API and a web page (extra ``ruen[serve]``).

``service`` is the serving apart from HTTP (limits, admission, the batching thread, planning);
``api`` is the FastAPI app over it; ``web/`` holds the page.
"""

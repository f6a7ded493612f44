"""gunicorn settings read from the working directory (``gunicorn wsgi:app``); see docs/operations.md.

Each worker builds its lookup index (the published catalogue, every published plan's clauses and
zone locator) before it serves a request, so no parent's lookup ever waits for one; the build of
a city's plans takes about a second per thousand zones of realistic shape (bench/lookup.py). It
also loads the site search's word segmenter (jieba: about a second and 80 MB).
"""


def post_worker_init(worker):
    from enroll.lookup.index import warm_up
    from enroll.search import words

    warm_up(worker.wsgi)
    words.warm_up()

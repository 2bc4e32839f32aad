"""The demo book: a realistic, deterministic Foshan pipeline for trying the app and for
benchmarks. Not a use case of the product, so it lives beside the layers it fills, not in
them: it writes every prospect through the store's prospect writer like any other path.
"""

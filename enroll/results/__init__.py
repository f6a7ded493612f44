"""录取结果 and 摇号: admission results that are transparent without exposing children."""

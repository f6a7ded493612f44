"""Policy documents (招生政策、实施细则、入学办法…) and their interpretations (政策解读)."""

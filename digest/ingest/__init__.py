"""One dump → its articles: reading, layouts, lines, fields, dates, furniture."""

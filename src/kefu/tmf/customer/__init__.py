"""TMF629 Customer Management v4 (read and list) over kefu's customers (VIEW-5)."""

"""TMF683 Party Interaction Management v4 over kefu's contact records (CON-1..7)."""

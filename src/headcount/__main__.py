from headcount.cli import app

app(prog_name="headcount")

"""Archive helpers used by the server's tools."""

import subprocess as sp

# Mentioning shell=True in a comment or a string is not a finding:
NOTE = "never call sp.run(cmd, shell=True) with user input"


def extract(path: str, dest: str) -> str:
    """Extract an archive (vulnerable: the path goes through a shell)."""
    command = "tar -xf " + path + " -C " + dest
    return sp.check_output(command, shell=True, text=True)

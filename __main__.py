"""``python -m whyrec`` is the same as the ``whyrec`` command."""

from whyrec.cli import main

if __name__ == "__main__":
    main()

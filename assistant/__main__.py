"""`python -m assistant` runs the same CLI as `maestro-tm`."""

from assistant.cli import main

if __name__ == "__main__":
    main()

from omdomme.cli import main

main()

from incidentops.cli import main

main()

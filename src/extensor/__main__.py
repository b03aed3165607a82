from extensor.cli import main

main()

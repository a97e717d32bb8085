"""Bad input on the command line is refused before anything touches vCenter, naming the flag and the field."""

from vic_machine.cli.main import main


def test_bad_create_flags_name_the_flag_and_what_is_allowed(capsys):
    # Port 1 on loopback: nothing listens, so reaching vCenter would fail differently.
    code = main(["create", "--target", "https://127.0.0.1:1", "--user", "u", "--password", "p",
                 "--name", "bad/name", "--bridge-network-range", "10.0.0.0/40"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--name (name): 'bad/name' is not allowed" in err
    assert "--bridge-network-range (network.bridge.ip_range)" in err and "CIDR" in err
    assert "Cannot reach" not in err


def test_bad_target_names_the_flag(capsys):
    assert main(["ls", "--target", "http://vc.example.com"]) == 2
    assert "--target: must use https" in capsys.readouterr().err

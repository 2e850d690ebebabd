"""The package version, in one place: ``sim.__version__``, ``hiring-sim --version``, sweeps."""

__version__ = "0.1.0"

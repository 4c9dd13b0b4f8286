"""A Nuki Smart Lock emulator hosted on bumble, and a bleak backend on a bumble central."""

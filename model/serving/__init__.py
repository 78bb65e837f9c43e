"""The served network: the weights file, the network reading one drawing, and how sure it is."""

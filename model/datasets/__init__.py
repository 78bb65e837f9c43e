"""The data sets: the MNIST files, UNIPEN's pen-drawn digits and their stroke variants."""

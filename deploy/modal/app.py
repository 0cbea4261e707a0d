"""The Modal app: `seizure_nb.modal_app`, exported from nbs/04_train_modal.ipynb (its commands are listed there and in
the README). This file only re-exports it, so that `modal run deploy/modal/app.py ...` and
`modal run -m seizure_nb.modal_app ...` run the same app."""
from seizure_nb.modal_app import *  # noqa: F401,F403
from seizure_nb.modal_app import app, main  # noqa: F401

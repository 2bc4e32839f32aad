"""Sign-in and lock: the passphrase asked before the book opens (``signin``), the lock that
covers the window after the security policy's idle minutes or on demand (``controller``,
``screen``, ``idle``), and the passphrase an RM sets after the first sign-in
(``passphrase``)."""

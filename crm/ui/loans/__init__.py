"""Loans on the prospect page: the loans section and its dialogs (record, correct, repay,
renew)."""

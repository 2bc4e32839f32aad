"""business facts and held services of prospects; loans that are repaid, renewed, closed

prospect_facts keeps each fact the product matching reads (with when and by whom it was
confirmed); held_services the non-credit services a customer holds. Loans gain a credit
line, a repayment mode, a balance, the loan a renewal replaces, and how they ended.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 07:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prospect_facts",
        sa.Column("prospect_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("confirmed_on", sa.Date(), nullable=True),
        sa.Column("confirmed_by", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["confirmed_by"], ["users.id"], name=op.f("fk_prospect_facts_confirmed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["prospect_id"],
            ["prospects.id"],
            name=op.f("fk_prospect_facts_prospect_id_prospects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("prospect_id", "key", name=op.f("pk_prospect_facts")),
    )
    op.create_table(
        "held_services",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("prospect_id", sa.String(length=36), nullable=False),
        sa.Column("service_code", sa.String(length=40), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["prospect_id"],
            ["prospects.id"],
            name=op.f("fk_held_services_prospect_id_prospects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_services")),
        sa.UniqueConstraint(
            "prospect_id", "service_code", name=op.f("uq_held_services_prospect_id")
        ),
    )
    with op.batch_alter_table("held_services", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_held_services_prospect_id"), ["prospect_id"], unique=False
        )
    with op.batch_alter_table("loans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("credit_line_fen", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("repayment_mode", sa.String(length=24), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("balance_fen", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("renewed_from_id", sa.String(length=36), nullable=True))
        batch_op.add_column(
            sa.Column("outcome_reason", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.String(length=32), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_loans_renewed_from_id"), ["renewed_from_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_loans_renewed_from_id_loans"), "loans", ["renewed_from_id"], ["id"]
        )
        batch_op.drop_constraint(op.f("ck_loans_status"), type_="check")
        batch_op.create_check_constraint(
            "status", "status IN ('active', 'repaid', 'overdue', 'renewed', 'not_renewed')"
        )
        batch_op.create_check_constraint(
            "balance_not_negative", "balance_fen IS NULL OR balance_fen >= 0"
        )


def downgrade() -> None:
    with op.batch_alter_table("loans", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_loans_balance_not_negative"), type_="check")
        batch_op.drop_constraint(op.f("ck_loans_status"), type_="check")
        batch_op.create_check_constraint("status", "status IN ('active', 'repaid', 'overdue')")
        batch_op.drop_constraint(batch_op.f("fk_loans_renewed_from_id_loans"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_loans_renewed_from_id"))
        for column in (
            "updated_at",
            "closed_on",
            "outcome_reason",
            "renewed_from_id",
            "balance_fen",
            "repayment_mode",
            "credit_line_fen",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("held_services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_held_services_prospect_id"))
    op.drop_table("held_services")
    op.drop_table("prospect_facts")

"""The capability (core.roles) each URL that changes something needs, by URL name.

The role walk (walker.find_role_gaps, tests/security/test_url_walker.py) sends every write as each
role: a role without the capability must get 403, a role with it anything but 403 or 404. It
fails for a page below /a/<account_slug>/ that takes POST, or an API route with a POST, PUT, PATCH
or DELETE, that is missing here, and for a name here that is no such URL any more.

A tuple needs every capability in it. A few pages take POST though they change nothing for that
request (their view takes any method); they are here with the capability their page asks for.
"""

# Every role holds it: a member's own choices (the columns of a list) and plain pages.
ANY_MEMBER = "account.read"

WRITES: dict[str, str | tuple[str, ...]] = {
    # Settings
    "account_home": ANY_MEMBER,  # takes POST, changes nothing
    "profile": ANY_MEMBER,  # one's own name and email
    "profile_password": ANY_MEMBER,  # one's own password
    "account_settings": "account.manage",
    "team": "team.manage",  # takes POST, changes nothing
    "team_invite": "team.manage",
    "team_role": "team.manage",
    "team_remove": "team.manage",
    "team_client_access": "team.manage",
    "invitation_revoke": "team.manage",
    "outbox": "outbox.read",  # takes POST, changes nothing
    "outbox_message": "outbox.read",  # takes POST, changes nothing
    "outbox_message_html": "outbox.read",  # takes POST, changes nothing
    "activity": "activity.read",  # takes POST, changes nothing
    "api_tokens": "tokens.manage",
    "api_token_revoke": "tokens.manage",
    "email_in": "tokens.manage",
    "industries": "account.manage",
    "industry_rename": "account.manage",
    "industry_merge": "account.manage",
    "industry_delete": "account.manage",
    "risk_settings": "account.manage",
    "risk_run": "account.manage",
    # Clients
    "client_create": "clients.write",
    "client_invite_new": ("clients.write", "clients.invite"),
    "clients_bulk": "clients.write",
    "client_columns": ANY_MEMBER,
    "client_navigator_state": ANY_MEMBER,
    "client_edit": "clients.write",
    "client_status": "clients.status",
    "risk_dismiss": "clients.status",
    "client_subclient_add": "clients.write",
    "client_move": "clients.write",
    "client_tags": "clients.write",
    "client_archive": "clients.write",
    "client_restore": "clients.write",
    "client_delete": "clients.write",
    "client_undelete": "clients.undelete",
    "client_invite": "clients.invite",
    "client_invitation_resend": "clients.invite",
    "client_invitation_revoke": "clients.invite",
    "client_access_revoke": "clients.invite",
    # Contacts
    "client_contact_add": "contacts.write",
    "client_contacts_bulk": "contacts.write",
    "client_contact_edit": "contacts.write",
    "client_contacts_columns": ANY_MEMBER,
    "client_device_add": "devices.write",
    "client_devices_bulk": "devices.write",
    "client_device_edit": "devices.write",
    "client_device_delete": "devices.write",
    "client_devices_columns": ANY_MEMBER,
    "device_settings": "account.manage",
    # Tickets
    "ticket_new": "tickets.write",  # its GET (choosing the client) asks for it too
    "ticket_columns": ANY_MEMBER,
    "ticket_edit": "tickets.write",
    "ticket_reply": "tickets.write",
    "ticket_move": "tickets.write",
    "ticket_settings": "account.manage",
    "client_sla": "clients.write",  # its GET (the form) asks for it too
    "holiday_add": "account.manage",
    "holiday_remove": "account.manage",
    # Documents
    "document_upload": "documents.write",
    "document_rename": "documents.write",
    "document_share": "documents.write",
    "document_delete": "documents.write",
    # Agreements
    "agreement_new": "agreements.write",
    "agreement_edit": "agreements.write",
    "agreement_renew": "agreements.write",
    "agreement_end": "agreements.write",
    # Off-boarding
    "offboarding_start": "clients.offboard",
    "offboarding_tick": "offboarding.tick",
    "offboarding_complete": "clients.offboard",
    "offboarding_cancel": "clients.offboard",
    "client_win_back": "clients.status",
    "offboarding_settings": "clients.offboard",  # its GET (the form) asks for it too
    # Software: the catalog (Settings › Applications) and the client's Apps tab
    "application_new": "apps.catalog",
    "application_edit": "apps.catalog",
    "application_delete": "apps.catalog",
    "client_app_add": "apps.write",
    "client_app_edit": "apps.write",
    "client_app_remove": "apps.write",
    # Imports
    "imports": "clients.import",
    "import_mapping": "clients.import",
    "import_run": "clients.import",
    "import_recheck": "clients.import",
    "import_check": "clients.import",
    "import_dates": "clients.import",
    # The API
    "api:clients_create": "clients.write",
    "api:client_patch": "clients.write",
    "api:client_remove": "clients.write",
    "api:client_restore": "clients.undelete",
    "api:client_status": "clients.status",
    "api:client_invite": "clients.invite",
    "api:contacts_create": "contacts.write",
    "api:contact_patch": "contacts.write",
    "api:contact_remove": "contacts.write",
    "api:devices_create": "devices.write",
    "api:device_patch": "devices.write",
    "api:device_remove": "devices.write",
    "api:imports_create": "clients.import",
    "api:account_patch": "account.manage",
    "api:ticket_post": "tickets.write",
    "api:ticket_patch": "tickets.write",
    "api:reply_post": "tickets.write",
    "api:imports_run": "clients.import",
    "api:document_post": "documents.write",
    "api:document_delete": "documents.write",
    "api:agreement_post": "agreements.write",
    "api:agreement_patch": "agreements.write",
    "api:offboarding_post": "clients.offboard",
    "api:offboarding_item": "offboarding.tick",
    "api:offboarding_complete": "clients.offboard",
    "api:offboarding_cancel": "clients.offboard",
    "api:application_post": "apps.catalog",
    "api:application_patch": "apps.catalog",
    "api:application_remove": "apps.catalog",
    "api:client_app_post": "apps.write",
    "api:client_app_patch": "apps.write",
    "api:client_app_delete": "apps.write",
}

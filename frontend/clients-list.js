// Behaviours of the Clients list page.

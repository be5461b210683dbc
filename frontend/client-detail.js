// Behaviours of the client page.

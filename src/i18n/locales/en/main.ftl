## Layout
app-name = Corridor
skip-to-content = Skip to main content
nav-label = Main
nav-home = Home
nav-audit = Audit trail
nav-users = Users
nav-organizations = Organisations
nav-account = Your account
sign-out = Sign out
footer-text = Corridor records obstructed humanitarian access. Handle what you see here according to its sensitivity marking.
choose = Choose…
any = Any
save = Save changes
filters = Filters
apply-filters = Apply filters
clear-filters = Clear filters
date-from = From
date-to = To
hint-date = For example 2026-03-21
older-events = Older events
back-to-users = Back to users
back-to-organizations = Back to organisations
back-to-audit = Back to the audit trail

## Roles and organisation types
role-reporter = Reporter
role-coordinator = Coordinator
role-auditor = Auditor
role-admin = Administrator
org-type-un-agency = UN agency
org-type-international-ngo = International NGO
org-type-national-ngo = National NGO
org-type-red-cross = Red Cross / Red Crescent
org-type-authority = Authority
org-type-other = Other

## Forms
form-error-summary = There is a problem
form-error-prefix = Error:
field-required = Enter a value: this cannot be left empty.
field-too-long = This is too long: shorten it.
field-control-characters = Remove the invisible control characters from this text.
field-username = Username
hint-username = 3 to 64 characters: lower-case letters, digits, dots, dashes or underscores.
field-password = Password
field-current-password = Current password
field-new-password = New password
hint-new-password = At least 12 characters. A few unrelated words make a strong, memorable password.
field-temporary-password = Temporary password
hint-temporary-password = At least 12 characters. Give it to the person privately; they must choose their own password when they first sign in.
field-password-confirm = Type the password again
field-display-name = Full name
hint-display-name = As colleagues know this person; optional.
field-organization = Organisation
field-role = Role
hint-role = Reporters record for their own organisation; coordinators verify and report; auditors read everything and change nothing; administrators manage accounts.
field-org-name = Organisation name
hint-org-name = The full name, for example World Health Organization.
field-org-acronym = Acronym
hint-org-acronym = Optional, for example WHO.
field-org-type = Type of organisation
username-length = Enter a username of 3 to 64 characters.
username-characters = Use only lower-case letters, digits, dots, dashes and underscores in the username.
username-taken = This username is already taken: choose another.
role-invalid = Choose one of the roles listed.
org-type-invalid = Choose one of the types of organisation listed.
org-invalid = Choose one of the organisations listed.
org-name-taken = An organisation with this name already exists.
password-too-short = Enter a password of at least 12 characters.
password-too-long = Enter a password of at most 256 characters.
password-mismatch = The two passwords are not the same: type them again.
password-common = This password is too easy to guess (it is common, or close to one, or to your name). Choose another.
password-current-wrong = Your current password is not right.
password-same-as-current = Choose a password different from your current one.

## Sign-in
login-title = Sign in
login-submit = Sign in
login-failed = We could not sign you in. Check your username and password. After several failed attempts, sign-in is paused for a while.
login-signed-out = You have signed out.
login-help = Forgotten your password? Ask an administrator of your organisation to reset it.

## First start
setup-title = Set up Corridor
setup-intro = No account exists yet. Create your organisation and the first administrator's account. This link works once.
setup-org-legend = Your organisation
setup-admin-legend = The administrator's account (yours)
setup-submit = Create the administrator
setup-link-invalid = This set-up link cannot be used: it has been used already, has expired, or an account already exists. Run `corridor user add` on the server, or restart it for a new link.

## Home
home-title = Home
home-welcome = Welcome, { $name }
home-signed-in-as = You are signed in as { $role } of { $org }.
home-users-text = Create accounts, change roles, disable accounts and reset passwords.
home-orgs-text = The organisations taking part, and their people.
home-audit-text = Who did what and when, and a check that nothing in the record was altered.
home-account-text = Change your password.

## Account
password-title = Change your password
password-submit = Change password
password-changed = Your password has been changed. You have been signed out everywhere else.
password-must-change = Choose a new password before you continue: your password was set by an administrator.

## Administration
admin-user-new = Add a user
admin-user-create = Add user
admin-status = Status
admin-active = Active
admin-disabled = Disabled
admin-locked = Sign-in locked after failed attempts
admin-must-change = Must change password
admin-account-actions = Account
admin-disable = Disable account
admin-enable = Enable account
admin-unlock = Unlock sign-in
admin-reset-password = Reset password
admin-reset-password-hint = Sets a temporary password and signs the person out everywhere; they choose their own at next sign-in.
admin-user-saved = Changes saved.
admin-user-disabled = Account disabled: the person has been signed out everywhere.
admin-user-enabled = Account enabled.
admin-user-password-reset = Password reset: the person has been signed out and must choose a new password at next sign-in.
admin-user-unlocked = Sign-in unlocked.
admin-cannot-demote-self = You cannot remove your own administrator role.
admin-cannot-disable-self = You cannot disable your own account.
admin-org-new = Add an organisation
admin-org-edit = Change organisation
admin-org-users = Users

## Audit trail
audit-chain-title = Integrity of the trail
audit-head = { $count } events recorded.
audit-head-hash = Head hash:
audit-verify-now = Verify the whole chain now
audit-chain-intact = Chain verified: all { $checked } events are intact and in order.
audit-chain-broken = Chain broken at event { $id } ({ $checked } events before it verified):
audit-break-gap = an event before it is missing.
audit-break-altered = its contents were altered after it was written.
audit-break-unlinked = it does not follow the event before it (removed, inserted or reordered).
audit-break-head = the chain does not end at the recorded head (events removed or added at the end).
audit-date-invalid = Enter dates as year-month-day, for example 2026-03-21.
audit-actor = Who
audit-action = Action
audit-entity = Record
audit-entity-type = Record type
audit-entity-id = Record id
audit-time = When
audit-client = Client address
audit-none = No events match these filters.
audit-event-title = Audit event { $id }
audit-prev-hash = Previous hash
audit-hash = Hash
audit-details = What changed

## Errors
error-status = Status { $status }
error-go-home = Go to the home page
error-400-title = The request could not be understood
error-400-text = Something in the request was not right. Go back and try again.
error-403-title = You cannot do this
error-403-text = Your role does not allow this. If you need it, ask a coordinator or an administrator.
error-404-title = Page not found
error-404-text = There is nothing at this address. Check it, or start again from the home page.
error-405-title = Not allowed here
error-405-text = This address does not accept that kind of request.
error-413-title = Too much data
error-413-text = What was sent is too large. Shorten the text and try again.
error-500-title = Something went wrong
error-500-text = Corridor could not finish this. Nothing was saved. Try again; if it happens again, tell an administrator the time it happened.
error-503-title = Corridor is unavailable
error-503-text = The database cannot be reached just now, so nothing was saved. Wait a minute and try again.
error-csrf-text = This form had expired or did not come from Corridor, so nothing was saved. Go back, reload the page and send the form again.
error-login-required = Sign in to continue.

-- A person's own language setting (a BCP 47 tag from the account page); NULL follows the browser.
ALTER TABLE users ADD COLUMN language TEXT;

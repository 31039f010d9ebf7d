-- An organisation's logo, printed at the head of the situation reports it issues (issue 15).
-- The image is one the application drew itself from the upload (a PNG of bounded size), so
-- nothing of the uploaded file, its metadata included, is kept or served.
CREATE TABLE organization_logos (
    organization_id BIGINT PRIMARY KEY NOT NULL REFERENCES organizations (id),
    image BYTEA NOT NULL,
    sha256 TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

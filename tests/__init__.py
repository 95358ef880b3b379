"""The test suite, a package: a helper module is imported by its full name
(``tests.book.onecopy``) and paths come from :mod:`dlbook_build.sources`, so every module
imports the same way under any of pytest's import modes."""

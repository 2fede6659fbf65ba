# CiderWebmail as Cachet's loopback mail system serves it (ciderwebmail.sh): its
# configuration from the state directory, and IMAP on Dovecot's port 143 upgraded with
# STARTTLS, the server's certificate checked against the mail system's test CA.
# Debian's /etc/ciderwebmail/ciderwebmail.psgi cannot be pointed at another
# configuration: it joins the CIDERWEBMAIL_CONFIG it is given to its default with a
# bitwise or.
use strict;
use warnings;

BEGIN {
  for my $name (qw(CACHET_CIDERWEBMAIL_CONFIG CACHET_MAIL_CA)) {
    die "ciderwebmail.psgi: $name is not set\n" unless $ENV{$name};
  }
  die "ciderwebmail.psgi: no test CA at $ENV{CACHET_MAIL_CA}\n" unless -r $ENV{CACHET_MAIL_CA};
  $ENV{CIDERWEBMAIL_HOME} = '/usr/share/ciderwebmail';
  $ENV{CIDERWEBMAIL_CONFIG} = $ENV{CACHET_CIDERWEBMAIL_CONFIG};
}

use IO::Socket::SSL qw(SSL_VERIFY_PEER);
use Mail::IMAPClient;

# CiderWebmail's IMAP login (Catalyst::Authentication::Store::IMAP::User) opens every
# connection with Mail::IMAPClient->new and offers no TLS settings but port 993. Each
# connection here gets STARTTLS before LOGIN instead (Dovecot refuses LOGIN without it),
# verifying the certificate for the host name it was reached by.
{
  no warnings 'redefine';
  my $plain_new = \&Mail::IMAPClient::new;
  *Mail::IMAPClient::new = sub {
    my ($class, %args) = @_;
    if ($args{Server} && !$args{Socket} && !$args{Ssl}) {
      $args{Starttls} = [
        SSL_verify_mode     => SSL_VERIFY_PEER,
        SSL_ca_file         => $ENV{CACHET_MAIL_CA},
        SSL_verifycn_scheme => 'imap',
        SSL_verifycn_name   => $args{Server},
        Timeout             => 30,
      ];
    }
    return $plain_new->($class, %args);
  };
}

use CiderWebmail;

CiderWebmail->apply_default_middlewares(CiderWebmail->psgi_app(@_));

window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "hello@lambethcoop.example.org",
      "createdVia" : "web",
      "username" : "lambeth_events",
      "accountId" : "398120457",
      "createdAt" : "2011-10-04T16:22:51.000Z",
      "accountDisplayName" : "Lambeth Co-op Day (sample)"
    }
  }
]
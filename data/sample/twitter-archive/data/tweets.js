window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "129845734152495105"
          ],
          "editableUntil" : "2011-10-28T09:33:30.096Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "coproduction",
            "indices" : [
              "39",
              "52"
            ]
          },
          {
            "text" : "lambethcoop",
            "indices" : [
              "56",
              "68"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [
          {
            "url" : "http://t.co/UvHONyWE",
            "expanded_url" : "http://lambethcoop.example.org/2011/10/28/leadership-network-and-co-production/",
            "display_url" : "lambethcoop.example.org/2011/10…",
            "indices" : [
              "69",
              "89"
            ]
          }
        ]
      },
      "display_text_range" : [
        "0",
        "89"
      ],
      "favorite_count" : "6",
      "id_str" : "129845734152495105",
      "truncated" : false,
      "retweet_count" : "7",
      "id" : "129845734152495105",
      "possibly_sensitive" : false,
      "created_at" : "Fri Oct 28 09:03:30 +0000 2011",
      "favorited" : false,
      "full_text" : "Our write-up: leadership, networks and #coproduction at #lambethcoop http://t.co/UvHONyWE",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "128521260723843073"
          ],
          "editableUntil" : "2011-10-24T17:50:31.023Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "74",
              "86"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "86"
      ],
      "favorite_count" : "2",
      "id_str" : "128521260723843073",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "128521260723843073",
      "created_at" : "Mon Oct 24 17:20:31 +0000 2011",
      "favorited" : false,
      "full_text" : "62 feedback forms back so far. Top request: a longer world cafe next time #lambethcoop",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127688834686357505"
          ],
          "editableUntil" : "2011-10-22T10:42:45.190Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "40",
              "52"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [
          {
            "url" : "http://t.co/v223eszC",
            "expanded_url" : "http://sfy.co/tKCT",
            "display_url" : "sfy.co/tKCT",
            "indices" : [
              "67",
              "87"
            ]
          }
        ]
      },
      "display_text_range" : [
        "0",
        "87"
      ],
      "favorite_count" : "3",
      "id_str" : "127688834686357505",
      "truncated" : false,
      "retweet_count" : "5",
      "id" : "127688834686357505",
      "possibly_sensitive" : false,
      "created_at" : "Sat Oct 22 10:12:45 +0000 2011",
      "favorited" : false,
      "full_text" : "All the tweets, notes and pictures from #lambethcoop in one place: http://t.co/v223eszC",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127413381476155393"
          ],
          "editableUntil" : "2011-10-21T16:28:12.027Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/#!/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "18",
              "30"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "70"
      ],
      "favorite_count" : "11",
      "id_str" : "127413381476155393",
      "truncated" : false,
      "retweet_count" : "4",
      "id" : "127413381476155393",
      "created_at" : "Fri Oct 21 15:58:12 +0000 2011",
      "favorited" : false,
      "full_text" : "That's a wrap for #lambethcoop 2011. Thank you all, see you next year!",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127410355118039041"
          ],
          "editableUntil" : "2011-10-21T16:16:10.487Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/#!/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "80",
              "92"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [
          {
            "name" : "Jo Placeholder",
            "screen_name" : "cafe_host_jo",
            "indices" : [
              "26",
              "39"
            ],
            "id_str" : "215447302",
            "id" : "215447302"
          },
          {
            "name" : "Dan Dummy",
            "screen_name" : "dan_dummy",
            "indices" : [
              "55",
              "65"
            ],
            "id_str" : "88213460",
            "id" : "88213460"
          }
        ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "92"
      ],
      "favorite_count" : "7",
      "id_str" : "127410355118039041",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "127410355118039041",
      "created_at" : "Fri Oct 21 15:46:10 +0000 2011",
      "favorited" : false,
      "full_text" : "Thanks to our volunteers: @cafe_host_jo on the urn and @dan_dummy on the camera #lambethcoop",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127406637417181185"
          ],
          "editableUntil" : "2011-10-21T16:01:24.118Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/#!/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "81",
              "93"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [
          {
            "name" : "Priya Sample",
            "screen_name" : "priya_at_lambeth",
            "indices" : [
              "0",
              "17"
            ],
            "id_str" : "293561208",
            "id" : "293561208"
          }
        ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "93"
      ],
      "favorite_count" : "2",
      "in_reply_to_status_id_str" : "127404978150379521",
      "id_str" : "127406637417181185",
      "in_reply_to_user_id" : "293561208",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "127406637417181185",
      "in_reply_to_status_id" : "127404978150379521",
      "created_at" : "Fri Oct 21 15:31:24 +0000 2011",
      "favorited" : false,
      "full_text" : "@priya_at_lambeth Thank you for a brilliant opening, and for staying to the end! #lambethcoop",
      "lang" : "en",
      "in_reply_to_screen_name" : "priya_at_lambeth",
      "in_reply_to_user_id_str" : "293561208"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127400742662307841"
          ],
          "editableUntil" : "2011-10-21T15:37:58.699Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "72",
              "84"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [
          {
            "url" : "http://t.co/YvtZiEKL",
            "expanded_url" : "http://lambethcoop.example.org/2011/feedback",
            "display_url" : "lambethcoop.example.org/2011/fe…",
            "indices" : [
              "51",
              "71"
            ]
          }
        ]
      },
      "display_text_range" : [
        "0",
        "84"
      ],
      "favorite_count" : "0",
      "id_str" : "127400742662307841",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "127400742662307841",
      "possibly_sensitive" : false,
      "created_at" : "Fri Oct 21 15:07:58 +0000 2011",
      "favorited" : false,
      "full_text" : "Feedback forms are on every chair, or online here: http://t.co/YvtZiEKL #lambethcoop",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127393460310667266"
          ],
          "editableUntil" : "2011-10-21T15:09:02.451Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "65",
              "77"
            ]
          },
          {
            "text" : "coproduction",
            "indices" : [
              "78",
              "91"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "91"
      ],
      "favorite_count" : "5",
      "id_str" : "127393460310667266",
      "truncated" : false,
      "retweet_count" : "2",
      "id" : "127393460310667266",
      "created_at" : "Fri Oct 21 14:39:02 +0000 2011",
      "favorited" : false,
      "full_text" : "Leadership network: 30 people signed up to meet again in January #lambethcoop #coproduction",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127387309673988097"
          ],
          "editableUntil" : "2011-10-21T14:44:36.025Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "58",
              "70"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [
          {
            "name" : "Dan Dummy",
            "screen_name" : "dan_dummy",
            "indices" : [
              "0",
              "10"
            ],
            "id_str" : "88213460",
            "id" : "88213460"
          }
        ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "70"
      ],
      "favorite_count" : "1",
      "in_reply_to_status_id_str" : "127385857916633090",
      "id_str" : "127387309673988097",
      "in_reply_to_user_id" : "88213460",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "127387309673988097",
      "in_reply_to_status_id" : "127385857916633090",
      "created_at" : "Fri Oct 21 14:14:36 +0000 2011",
      "favorited" : false,
      "full_text" : "@dan_dummy Please do! Send us a link and we'll share them #lambethcoop",
      "lang" : "en",
      "in_reply_to_screen_name" : "dan_dummy",
      "in_reply_to_user_id_str" : "88213460"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127381685364142082"
          ],
          "editableUntil" : "2011-10-21T14:22:15.085Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/#!/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "97",
              "109"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [
          {
            "name" : "Priya Sample",
            "screen_name" : "priya_at_lambeth",
            "indices" : [
              "79",
              "96"
            ],
            "id_str" : "293561208",
            "id" : "293561208"
          }
        ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "109"
      ],
      "favorite_count" : "15",
      "id_str" : "127381685364142082",
      "truncated" : false,
      "retweet_count" : "4",
      "id" : "127381685364142082",
      "created_at" : "Fri Oct 21 13:52:15 +0000 2011",
      "favorited" : false,
      "full_text" : "Co-production isn't a consultation with better biscuits. Quote of the day from @priya_at_lambeth #lambethcoop",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127375781549871105"
          ],
          "editableUntil" : "2011-10-21T13:58:47.506Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "72",
              "84"
            ]
          },
          {
            "text" : "coproduction",
            "indices" : [
              "85",
              "98"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "98"
      ],
      "favorite_count" : "1",
      "id_str" : "127375781549871105",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "127375781549871105",
      "created_at" : "Fri Oct 21 13:28:47 +0000 2011",
      "favorited" : false,
      "full_text" : "Afternoon: leadership network workshop in room 2, timebanking in room 3 #lambethcoop #coproduction",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127369833582223361"
          ],
          "editableUntil" : "2011-10-21T13:35:09.400Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/#!/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities" : {
        "user_mentions" : [ ],
        "urls" : [ ],
        "symbols" : [ ],
        "media" : [
          {
            "expanded_url" : "https://twitter.com/lambeth_events/status/127369833582223361/photo/1",
            "indices" : [
              "58",
              "78"
            ],
            "url" : "http://t.co/ruKtVHvX",
            "media_url" : "http://pbs.twimg.com/media/AcEykKYCIAAEv6k.jpg",
            "id_str" : "127369680251011073",
            "id" : "127369680251011073",
            "media_url_https" : "https://pbs.twimg.com/media/AcEykKYCIAAEv6k.jpg",
            "sizes" : {
              "thumb" : {
                "w" : "150",
                "h" : "150",
                "resize" : "crop"
              },
              "medium" : {
                "w" : "320",
                "h" : "240",
                "resize" : "fit"
              },
              "small" : {
                "w" : "320",
                "h" : "240",
                "resize" : "fit"
              },
              "large" : {
                "w" : "320",
                "h" : "240",
                "resize" : "fit"
              }
            },
            "type" : "photo",
            "display_url" : "pic.twitter.com/ruKtVHvX"
          }
        ],
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "45",
              "57"
            ]
          }
        ]
      },
      "display_text_range" : [
        "0",
        "78"
      ],
      "favorite_count" : "9",
      "id_str" : "127369833582223361",
      "truncated" : false,
      "retweet_count" : "3",
      "id" : "127369833582223361",
      "possibly_sensitive" : false,
      "created_at" : "Fri Oct 21 13:05:09 +0000 2011",
      "favorited" : false,
      "full_text" : "The big room after lunch: standing room only #lambethcoop http://t.co/ruKtVHvX",
      "lang" : "en",
      "extended_entities" : {
        "media" : [
          {
            "expanded_url" : "https://twitter.com/lambeth_events/status/127369833582223361/photo/1",
            "indices" : [
              "58",
              "78"
            ],
            "url" : "http://t.co/ruKtVHvX",
            "media_url" : "http://pbs.twimg.com/media/AcEykKYCIAAEv6k.jpg",
            "id_str" : "127369680251011073",
            "id" : "127369680251011073",
            "media_url_https" : "https://pbs.twimg.com/media/AcEykKYCIAAEv6k.jpg",
            "sizes" : {
              "thumb" : {
                "w" : "150",
                "h" : "150",
                "resize" : "crop"
              },
              "medium" : {
                "w" : "320",
                "h" : "240",
                "resize" : "fit"
              },
              "small" : {
                "w" : "320",
                "h" : "240",
                "resize" : "fit"
              },
              "large" : {
                "w" : "320",
                "h" : "240",
                "resize" : "fit"
              }
            },
            "type" : "photo",
            "display_url" : "pic.twitter.com/ruKtVHvX"
          }
        ]
      }
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127361272726896641"
          ],
          "editableUntil" : "2011-10-21T13:01:08.333Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "100",
              "112"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [
          {
            "name" : "Sam Specimen",
            "screen_name" : "notetaker_sam",
            "indices" : [
              "3",
              "17"
            ],
            "id_str" : "287745120",
            "id" : "287745120"
          }
        ],
        "urls" : [
          {
            "url" : "http://t.co/d6D73An4",
            "expanded_url" : "http://samnotes.example.net/2011/10/21/housing-coop-session/",
            "display_url" : "samnotes.example.net/2011/10/21…",
            "indices" : [
              "79",
              "99"
            ]
          }
        ]
      },
      "display_text_range" : [
        "0",
        "112"
      ],
      "favorite_count" : "0",
      "id_str" : "127361272726896641",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "127361272726896641",
      "possibly_sensitive" : false,
      "created_at" : "Fri Oct 21 12:31:08 +0000 2011",
      "favorited" : false,
      "full_text" : "RT @notetaker_sam: Notes from the housing co-op session are up, typos all mine http://t.co/d6D73An4 #lambethcoop",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127355829883400193"
          ],
          "editableUntil" : "2011-10-21T12:39:30.658Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "74",
              "86"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [
          {
            "name" : "Sample Street Timebank",
            "screen_name" : "timebank_demo",
            "indices" : [
              "0",
              "14"
            ],
            "id_str" : "163920551",
            "id" : "163920551"
          }
        ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "86"
      ],
      "favorite_count" : "1",
      "in_reply_to_status_id_str" : "127354910147739649",
      "id_str" : "127355829883400193",
      "in_reply_to_user_id" : "163920551",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "127355829883400193",
      "in_reply_to_status_id" : "127354910147739649",
      "created_at" : "Fri Oct 21 12:09:30 +0000 2011",
      "favorited" : false,
      "full_text" : "@timebank_demo Yes, there's space by the stage for your stall after lunch #lambethcoop",
      "lang" : "en",
      "in_reply_to_screen_name" : "timebank_demo",
      "in_reply_to_user_id_str" : "163920551"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127354126895394817"
          ],
          "editableUntil" : "2011-10-21T12:32:44.634Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/#!/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "85",
              "97"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "97"
      ],
      "favorite_count" : "2",
      "id_str" : "127354126895394817",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "127354126895394817",
      "created_at" : "Fri Oct 21 12:02:44 +0000 2011",
      "favorited" : false,
      "full_text" : "Lunch is served in the foyer. Vegetarian table on the left, gluten-free on the right #lambethcoop",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127347737527468033"
          ],
          "editableUntil" : "2011-10-21T12:07:21.290Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/#!/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "coproduction",
            "indices" : [
              "49",
              "62"
            ]
          },
          {
            "text" : "lambethcoop",
            "indices" : [
              "63",
              "75"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "75"
      ],
      "favorite_count" : "12",
      "id_str" : "127347737527468033",
      "truncated" : false,
      "retweet_count" : "1",
      "id" : "127347737527468033",
      "created_at" : "Fri Oct 21 11:37:21 +0000 2011",
      "favorited" : false,
      "full_text" : "\"Don't consult us, hire us\" - the youth panel on #coproduction #lambethcoop",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127342597219266562"
          ],
          "editableUntil" : "2011-10-21T11:46:55.745Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/#!/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "65",
              "77"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [
          {
            "name" : "Kez Demo",
            "screen_name" : "youthpanel_kez",
            "indices" : [
              "49",
              "64"
            ],
            "id_str" : "378104455",
            "id" : "378104455"
          }
        ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "77"
      ],
      "favorite_count" : "4",
      "id_str" : "127342597219266562",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "127342597219266562",
      "created_at" : "Fri Oct 21 11:16:55 +0000 2011",
      "favorited" : false,
      "full_text" : "Youth panel starting in the big room, chaired by @youthpanel_kez #lambethcoop",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127337915184578561"
          ],
          "editableUntil" : "2011-10-21T11:28:19.461Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "78",
              "90"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [
          {
            "name" : "Sam Specimen",
            "screen_name" : "notetaker_sam",
            "indices" : [
              "0",
              "14"
            ],
            "id_str" : "287745120",
            "id" : "287745120"
          }
        ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "90"
      ],
      "favorite_count" : "1",
      "in_reply_to_status_id_str" : "127336107276197889",
      "id_str" : "127337915184578561",
      "in_reply_to_user_id" : "287745120",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "127337915184578561",
      "in_reply_to_status_id" : "127336107276197889",
      "created_at" : "Fri Oct 21 10:58:19 +0000 2011",
      "favorited" : false,
      "full_text" : "@notetaker_sam Yes, slides from the housing session go up on the blog tonight #lambethcoop",
      "lang" : "en",
      "in_reply_to_screen_name" : "notetaker_sam",
      "in_reply_to_user_id_str" : "287745120"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127334326236110849"
          ],
          "editableUntil" : "2011-10-21T11:14:03.789Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "coproduction",
            "indices" : [
              "31",
              "44"
            ]
          },
          {
            "text" : "lambethcoop",
            "indices" : [
              "98",
              "110"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "110"
      ],
      "favorite_count" : "3",
      "id_str" : "127334326236110849",
      "truncated" : false,
      "retweet_count" : "1",
      "id" : "127334326236110849",
      "created_at" : "Fri Oct 21 10:44:03 +0000 2011",
      "favorited" : false,
      "full_text" : "World cafe round 2: what would #coproduction look like on your street? Write it on the tablecloth #lambethcoop",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127329951069696002"
          ],
          "editableUntil" : "2011-10-21T10:56:40.668Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/#!/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities" : {
        "user_mentions" : [
          {
            "name" : "Jo Placeholder",
            "screen_name" : "cafe_host_jo",
            "indices" : [
              "15",
              "28"
            ],
            "id_str" : "215447302",
            "id" : "215447302"
          }
        ],
        "urls" : [ ],
        "symbols" : [ ],
        "media" : [
          {
            "expanded_url" : "https://twitter.com/lambeth_events/status/127329951069696002/photo/1",
            "indices" : [
              "80",
              "100"
            ],
            "url" : "http://t.co/9GKzMC6K",
            "media_url" : "http://pbs.twimg.com/media/AcahMwOCIAAGKP8.jpg",
            "id_str" : "127329806814928897",
            "id" : "127329806814928897",
            "media_url_https" : "https://pbs.twimg.com/media/AcahMwOCIAAGKP8.jpg",
            "sizes" : {
              "thumb" : {
                "w" : "150",
                "h" : "150",
                "resize" : "crop"
              },
              "medium" : {
                "w" : "320",
                "h" : "240",
                "resize" : "fit"
              },
              "small" : {
                "w" : "320",
                "h" : "240",
                "resize" : "fit"
              },
              "large" : {
                "w" : "320",
                "h" : "240",
                "resize" : "fit"
              }
            },
            "type" : "photo",
            "display_url" : "pic.twitter.com/9GKzMC6K"
          }
        ],
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "67",
              "79"
            ]
          }
        ]
      },
      "display_text_range" : [
        "0",
        "100"
      ],
      "favorite_count" : "8",
      "id_str" : "127329951069696002",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "127329951069696002",
      "possibly_sensitive" : false,
      "created_at" : "Fri Oct 21 10:26:40 +0000 2011",
      "favorited" : false,
      "full_text" : "Huge thanks to @cafe_host_jo for keeping the urn going all morning #lambethcoop http://t.co/9GKzMC6K",
      "lang" : "en",
      "extended_entities" : {
        "media" : [
          {
            "expanded_url" : "https://twitter.com/lambeth_events/status/127329951069696002/photo/1",
            "indices" : [
              "80",
              "100"
            ],
            "url" : "http://t.co/9GKzMC6K",
            "media_url" : "http://pbs.twimg.com/media/AcahMwOCIAAGKP8.jpg",
            "id_str" : "127329806814928897",
            "id" : "127329806814928897",
            "media_url_https" : "https://pbs.twimg.com/media/AcahMwOCIAAGKP8.jpg",
            "sizes" : {
              "thumb" : {
                "w" : "150",
                "h" : "150",
                "resize" : "crop"
              },
              "medium" : {
                "w" : "320",
                "h" : "240",
                "resize" : "fit"
              },
              "small" : {
                "w" : "320",
                "h" : "240",
                "resize" : "fit"
              },
              "large" : {
                "w" : "320",
                "h" : "240",
                "resize" : "fit"
              }
            },
            "type" : "photo",
            "display_url" : "pic.twitter.com/9GKzMC6K"
          }
        ]
      }
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127324605080801282"
          ],
          "editableUntil" : "2011-10-21T10:35:26.085Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "93",
              "105"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [
          {
            "name" : "Ada Testcase",
            "screen_name" : "housing_coop_ada",
            "indices" : [
              "42",
              "59"
            ],
            "id_str" : "119487302",
            "id" : "119487302"
          }
        ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "105"
      ],
      "favorite_count" : "2",
      "id_str" : "127324605080801282",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "127324605080801282",
      "created_at" : "Fri Oct 21 10:05:26 +0000 2011",
      "favorited" : false,
      "full_text" : "Housing co-op session in room 2 now, with @housing_coop_ada on starting a co-op from scratch #lambethcoop",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127318254586114050"
          ],
          "editableUntil" : "2011-10-21T10:10:12.009Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/#!/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities" : {
        "user_mentions" : [ ],
        "urls" : [ ],
        "symbols" : [ ],
        "media" : [
          {
            "expanded_url" : "https://twitter.com/lambeth_events/status/127318254586114050/photo/1",
            "indices" : [
              "101",
              "121"
            ],
            "url" : "http://t.co/qM5mGF5l",
            "media_url" : "http://pbs.twimg.com/media/Ac7IULHCIAAuHsj.jpg",
            "id_str" : "127318106577240065",
            "id" : "127318106577240065",
            "media_url_https" : "https://pbs.twimg.com/media/Ac7IULHCIAAuHsj.jpg",
            "sizes" : {
              "thumb" : {
                "w" : "150",
                "h" : "150",
                "resize" : "crop"
              },
              "medium" : {
                "w" : "320",
                "h" : "240",
                "resize" : "fit"
              },
              "small" : {
                "w" : "320",
                "h" : "240",
                "resize" : "fit"
              },
              "large" : {
                "w" : "320",
                "h" : "240",
                "resize" : "fit"
              }
            },
            "type" : "photo",
            "display_url" : "pic.twitter.com/qM5mGF5l"
          }
        ],
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "74",
              "86"
            ]
          },
          {
            "text" : "coproduction",
            "indices" : [
              "87",
              "100"
            ]
          }
        ]
      },
      "display_text_range" : [
        "0",
        "121"
      ],
      "favorite_count" : "6",
      "id_str" : "127318254586114050",
      "truncated" : false,
      "retweet_count" : "2",
      "id" : "127318254586114050",
      "possibly_sensitive" : false,
      "created_at" : "Fri Oct 21 09:40:12 +0000 2011",
      "favorited" : false,
      "full_text" : "World cafe is under way: six tables, one question each, swap every 20 min #lambethcoop #coproduction http://t.co/qM5mGF5l",
      "lang" : "en",
      "extended_entities" : {
        "media" : [
          {
            "expanded_url" : "https://twitter.com/lambeth_events/status/127318254586114050/photo/1",
            "indices" : [
              "101",
              "121"
            ],
            "url" : "http://t.co/qM5mGF5l",
            "media_url" : "http://pbs.twimg.com/media/Ac7IULHCIAAuHsj.jpg",
            "id_str" : "127318106577240065",
            "id" : "127318106577240065",
            "media_url_https" : "https://pbs.twimg.com/media/Ac7IULHCIAAuHsj.jpg",
            "sizes" : {
              "thumb" : {
                "w" : "150",
                "h" : "150",
                "resize" : "crop"
              },
              "medium" : {
                "w" : "320",
                "h" : "240",
                "resize" : "fit"
              },
              "small" : {
                "w" : "320",
                "h" : "240",
                "resize" : "fit"
              },
              "large" : {
                "w" : "320",
                "h" : "240",
                "resize" : "fit"
              }
            },
            "type" : "photo",
            "display_url" : "pic.twitter.com/qM5mGF5l"
          }
        ]
      }
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127313626423201793"
          ],
          "editableUntil" : "2011-10-21T09:51:48.569Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "74",
              "86"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [
          {
            "name" : "Tom Example",
            "screen_name" : "tom_example",
            "indices" : [
              "0",
              "12"
            ],
            "id_str" : "52918834",
            "id" : "52918834"
          }
        ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "86"
      ],
      "favorite_count" : "1",
      "in_reply_to_status_id_str" : "127312839395479553",
      "id_str" : "127313626423201793",
      "in_reply_to_user_id" : "52918834",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "127313626423201793",
      "in_reply_to_status_id" : "127312839395479553",
      "created_at" : "Fri Oct 21 09:21:48 +0000 2011",
      "favorited" : false,
      "full_text" : "@tom_example Wifi is LambethCoopGuest, password on the board by the stage #lambethcoop",
      "lang" : "en",
      "in_reply_to_screen_name" : "tom_example",
      "in_reply_to_user_id_str" : "52918834"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127309167861239809"
          ],
          "editableUntil" : "2011-10-21T09:34:05.565Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "79",
              "91"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [
          {
            "name" : "Jo Placeholder",
            "screen_name" : "cafe_host_jo",
            "indices" : [
              "3",
              "16"
            ],
            "id_str" : "215447302",
            "id" : "215447302"
          }
        ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "91"
      ],
      "favorite_count" : "0",
      "id_str" : "127309167861239809",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "127309167861239809",
      "created_at" : "Fri Oct 21 09:04:05 +0000 2011",
      "favorited" : false,
      "full_text" : "RT @cafe_host_jo: Urn is on ☕ 200 cups ready. Come and say hi at the tea table #lambethcoop",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127305006209765377"
          ],
          "editableUntil" : "2011-10-21T09:17:33.350Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/#!/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "61",
              "73"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [
          {
            "name" : "Priya Sample",
            "screen_name" : "priya_at_lambeth",
            "indices" : [
              "21",
              "38"
            ],
            "id_str" : "293561208",
            "id" : "293561208"
          }
        ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "73"
      ],
      "favorite_count" : "2",
      "id_str" : "127305006209765377",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "127305006209765377",
      "created_at" : "Fri Oct 21 08:47:33 +0000 2011",
      "favorited" : false,
      "full_text" : "Big room filling up. @priya_at_lambeth opens the day at 9:15 #lambethcoop",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127299121035083778"
          ],
          "editableUntil" : "2011-10-21T08:54:10.215Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "89",
              "101"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [
          {
            "url" : "http://t.co/3HeyklkP",
            "expanded_url" : "http://lambethcoop.example.org/2011/programme",
            "display_url" : "lambethcoop.example.org/2011/pro…",
            "indices" : [
              "68",
              "88"
            ]
          }
        ]
      },
      "display_text_range" : [
        "0",
        "101"
      ],
      "favorite_count" : "1",
      "id_str" : "127299121035083778",
      "truncated" : false,
      "retweet_count" : "4",
      "id" : "127299121035083778",
      "possibly_sensitive" : false,
      "created_at" : "Fri Oct 21 08:24:10 +0000 2011",
      "favorited" : false,
      "full_text" : "Today's programme: world cafe, housing co-op session, youth panel 🎉 http://t.co/3HeyklkP #lambethcoop",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127293511518478338"
          ],
          "editableUntil" : "2011-10-21T08:31:52.802Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/#!/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "19",
              "31"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "97"
      ],
      "favorite_count" : "3",
      "id_str" : "127293511518478338",
      "truncated" : false,
      "retweet_count" : "2",
      "id" : "127293511518478338",
      "created_at" : "Fri Oct 21 08:01:52 +0000 2011",
      "favorited" : false,
      "full_text" : "Doors are open for #lambethcoop at the Lambeth Co-op Hall. Tea &amp; toast in the foyer until 10.",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "127061920657653761"
          ],
          "editableUntil" : "2011-10-20T17:11:37.238Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/#!/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "70",
              "82"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "82"
      ],
      "favorite_count" : "3",
      "id_str" : "127061920657653761",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "127061920657653761",
      "created_at" : "Thu Oct 20 16:41:37 +0000 2011",
      "favorited" : false,
      "full_text" : "Chairs out, urn tested, name badges sorted. See you tomorrow from 9am #lambethcoop",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "124778983161430017"
          ],
          "editableUntil" : "2011-10-14T10:00:02.524Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "76",
              "88"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [
          {
            "url" : "http://t.co/U3zLVCaQ",
            "expanded_url" : "http://lambethcoop.example.org/2011/booking",
            "display_url" : "lambethcoop.example.org/2011/bo…",
            "indices" : [
              "55",
              "75"
            ]
          }
        ]
      },
      "display_text_range" : [
        "0",
        "88"
      ],
      "favorite_count" : "2",
      "id_str" : "124778983161430017",
      "truncated" : false,
      "retweet_count" : "5",
      "id" : "124778983161430017",
      "possibly_sensitive" : false,
      "created_at" : "Fri Oct 14 09:30:02 +0000 2011",
      "favorited" : false,
      "full_text" : "One week to go! Booking is free and lunch is included: http://t.co/U3zLVCaQ #lambethcoop",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "121543740443000833"
          ],
          "editableUntil" : "2011-10-05T11:44:20.552Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "lambethcoop",
            "indices" : [
              "88",
              "100"
            ]
          },
          {
            "text" : "coproduction",
            "indices" : [
              "101",
              "114"
            ]
          }
        ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ]
      },
      "display_text_range" : [
        "0",
        "114"
      ],
      "favorite_count" : "4",
      "id_str" : "121543740443000833",
      "truncated" : false,
      "retweet_count" : "6",
      "id" : "121543740443000833",
      "created_at" : "Wed Oct 05 11:14:20 +0000 2011",
      "favorited" : false,
      "full_text" : "Save the date: Lambeth Co-op Day is Friday 21 October at the Co-op Hall. Programme soon #lambethcoop #coproduction",
      "lang" : "en"
    }
  }
]
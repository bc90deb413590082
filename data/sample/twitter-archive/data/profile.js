window.YTD.profile.part0 = [
  {
    "profile" : {
      "description" : {
        "bio" : "Fictional organiser account for eventarchive's sample data. One day, one hall, lots of co-ops. #lambethcoop",
        "website" : "https://t.co/Lb3cO0pQ2x",
        "location" : "Lambeth, London"
      },
      "avatarMediaUrl" : "https://pbs.twimg.com/profile_images/1602233417/hall-sign.jpg",
      "headerMediaUrl" : "https://pbs.twimg.com/profile_banners/398120457/1319192531"
    }
  }
]